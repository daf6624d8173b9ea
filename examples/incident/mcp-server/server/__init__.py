"""MCP server exposing the Airtable gateway as tools for language models."""
