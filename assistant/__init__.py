"""The council assistant: retrieval and cited answers over council documents."""
