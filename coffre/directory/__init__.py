"""The directory of solidarity services (annuaire des solidarités, issue 16)."""
