//! The Gmail list pipeline against the Google stand-in over loopback HTTP.
