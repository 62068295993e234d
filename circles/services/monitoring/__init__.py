"""Whether the service is healthy: database, migrations, the reminder worker's passes."""
