"""System checks for misconfigured settings."""
