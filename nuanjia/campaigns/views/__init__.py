"""Staff pages of campaigns, by subject."""
