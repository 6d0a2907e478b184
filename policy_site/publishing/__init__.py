"""Publishing the built site (build time only): the security headers, the precompressed copies,
and the staging folder that a failed build leaves untouched."""
