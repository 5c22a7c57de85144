"""HTTP plumbing any layer may use: the render cache and its front."""
