//! What a successful call returns, and the envelopes it comes out of.

use reqwest::StatusCode;

use crate::types::{self, ResponseMessage};

/// A successful call's result, with what came around it.
///
/// [`send`](crate::AddCustomNameserver::send) returns just the result;
/// `send_with_details` returns this, for the envelope's non-fatal `messages` and the
/// response's `cf-ray` id.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ApiResponse<T> {
    /// The envelope's `result`.
    pub result: T,
    /// The envelope's non-fatal messages (often empty).
    pub messages: Vec<ResponseMessage>,
    /// The HTTP status.
    pub status: StatusCode,
    /// The `cf-ray` id of the response.
    pub cf_ray: Option<String>,
}

/// `(success, errors, messages, result)` of an envelope.
pub(crate) type Parts<T> = (bool, Vec<ResponseMessage>, Vec<ResponseMessage>, Option<T>);

/// A Cloudflare success envelope: `success`, `errors`, `messages` and `result`.
pub(crate) trait Envelope {
    /// The type of `result`.
    type Result;

    /// `(success, errors, messages, result)`.
    fn into_parts(self) -> Parts<Self::Result>;
}

macro_rules! envelope {
    ($envelope:ty => $result:ty) => {
        impl Envelope for $envelope {
            type Result = $result;

            fn into_parts(self) -> Parts<Self::Result> {
                (self.success, self.errors, self.messages, self.result)
            }
        }
    };
}

envelope!(types::CustomNameserverEnvelope => types::CustomNameserver);
envelope!(types::DnsSettingsEnvelope => types::DnsSettings);

/// A list whose `result` is null holds nothing.
impl Envelope for types::CustomNameserverListEnvelope {
    type Result = Vec<types::CustomNameserver>;

    fn into_parts(self) -> Parts<Self::Result> {
        let result = Some(self.result.unwrap_or_default());
        (self.success, self.errors, self.messages, result)
    }
}

/// A delete has nothing to return; its `result` (an empty array) is not looked at.
impl Envelope for types::EmptyEnvelope {
    type Result = ();

    fn into_parts(self) -> Parts<Self::Result> {
        (self.success, self.errors, self.messages, Some(()))
    }
}
