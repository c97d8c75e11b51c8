"""The vault: a person's encrypted documents, their sealed keys and their stored objects."""
