"""The upload caps shared by every app process through the database (coffre/uploads/slots.py)."""
