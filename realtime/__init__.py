"""Sockets, knowing nothing of the domain: the hub, group commit, the channel
layer's tweaks, batched socket sign-in, message checks and throttling, and
closing a person's sockets when their session ends. It imports no app."""
