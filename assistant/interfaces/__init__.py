"""The top layer: the `council` CLI, the HTTP API and the web chat, and the draft's file exports.
They call the service and render what it returns; they hold no rule of their own."""
