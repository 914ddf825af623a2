"""Prompt templates as package data (see README.md here); `assistant.answering.prompts` loads them."""
