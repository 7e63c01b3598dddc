//! Map sources: reading sendmail tables and converting their entries.
