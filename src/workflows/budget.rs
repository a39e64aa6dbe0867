//! The settings of a call made of several requests: each request gets the call's settings,
//! and what is left of one deadline for the whole call.

use std::time::Duration;

use tokio::time::Instant;

use crate::core::call_options::CallOptions;
use crate::core::client::Client;
use crate::core::error::{Error, Result, TransportError};

/// One deadline for a whole composite call, and the settings of its requests.
#[derive(Clone, Debug)]
pub(crate) struct Budget {
    /// The name of the composite call, for the error when time runs out.
    call: &'static str,
    options: CallOptions,
    /// The whole call's deadline, and how long it was.
    deadline: Option<(Instant, Duration)>,
}

impl Budget {
    /// Starts the clock: the call's deadline, or the client's, bounds the whole call (a
    /// deadline too far away to represent is none).
    pub(crate) fn start(client: &Client, call: &'static str, options: CallOptions) -> Self {
        let deadline = options
            .deadline
            .or(client.shared.deadline)
            .and_then(|budget| Some((Instant::now().checked_add(budget)?, budget)));
        Self {
            call,
            options,
            deadline,
        }
    }

    /// The options of the next request: the call's, with the deadline replaced by what is
    /// left of the whole call's. Fails with a timeout once nothing is left.
    pub(crate) fn next(&self) -> Result<CallOptions> {
        let mut options = self.options.clone();
        if let Some((at, budget)) = self.deadline {
            let left = at.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(Error::Timeout(Box::new(TransportError {
                    operation: self.call,
                    status: None,
                    reason: format!(
                        "the deadline of {budget:?} for the whole call passed before its next request"
                    ),
                    reqwest: None,
                })));
            }
            options.deadline = Some(left);
            // A deadline error names what the caller set, not what was left of it.
            options.deadline_as_set = Some(budget);
        }
        Ok(options)
    }
}
