//! Which generated types are public (`public_types.rs`): those a call takes or returns.

use proc_macro2::Ident;
use quote::{format_ident, quote};

use crate::api::*;

impl Api {
    pub(crate) fn generate_public_types(&self) -> String {
        let names: Vec<Ident> = self
            .public_types()
            .iter()
            .map(|name| format_ident!("{name}"))
            .collect();
        let file = quote! {
            pub use crate::generated::progenitor::types::{#(#names),*};
        };
        crate::text::unparse(
            "build/public_types.rs",
            syn::parse2(file).expect("valid Rust"),
        )
    }
}
