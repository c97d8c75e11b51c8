"""The ways out of Coffre: Web Push, SMS, e-mail, and a log for development."""
