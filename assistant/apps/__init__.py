"""What people run: the CLI (the one entry point), the OpenAI-compatible API server, the web app and doctor."""
