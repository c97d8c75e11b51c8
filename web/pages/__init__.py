"""Page routes: parse, call a service if needed, render a template."""
