//! Postfix lookup tables written from the intent.
