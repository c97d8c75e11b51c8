"""The référent de parcours: a person's chosen professional, the hand-over, the view."""
