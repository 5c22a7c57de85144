"""HTTP plumbing any layer may use: client addresses, rate limits, cross-origin writes."""
