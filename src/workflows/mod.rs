//! Calls made of several operations, with the rules that no schema can say.

pub(crate) mod use_custom_nameservers;
