"""One service over both sides: `CouncilAssistant` (ask, chat, draft, ingest, health) with its
backends built once, and the JSON shapes of its values. Every interface goes through it."""
