"""Planning a request: the legal bases usable between two States, and a checklist per basis."""
