"""What a person (or professional) is told: in-app notifications, written in the same
transaction as the event they tell about (an outbox)."""
