//! Calls made of several operations, with the rules that no schema can say.

mod budget;
pub mod converge;
pub(crate) mod use_custom_nameservers;
