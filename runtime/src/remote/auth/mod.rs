//! OAuth2 credentials and their OS-keyring cache.
