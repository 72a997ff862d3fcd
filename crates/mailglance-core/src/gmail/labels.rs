//! The sidebar's labels: `labels.list` (1 unit), then `labels.get` for the system labels
//! whose counts the sidebar shows (INBOX, IMPORTANT, SPAM: 1 unit each, in one batch), 4
//! units in all.
//!
//! Not here: how a label is shown (`rows.rs`), retries and tokens (`transport.rs`).

use std::collections::HashMap;

use super::Gmail;
use super::api::{ApiLabel, LabelList};
use super::quota::Method;
use super::rows::{COUNTED_LABELS, Label, label_from};
use super::transport::{TokenSource, path_segment};

impl Gmail {
    /// Every label, with unread and total counts for the system labels the sidebar counts
    /// ([`COUNTED_LABELS`]). Labels keep Gmail's order.
    pub async fn labels<S: TokenSource + ?Sized>(
        &self,
        tokens: &S,
    ) -> Result<Vec<Label>, S::Error> {
        let list: LabelList = self
            .transport
            .get(tokens, Method::LabelsList, "labels", &[])
            .await?;
        let wanted: Vec<&str> = COUNTED_LABELS
            .iter()
            .copied()
            .filter(|id| list.labels.iter().any(|l| l.id == *id))
            .collect();
        let paths: Vec<String> = wanted
            .iter()
            .map(|id| format!("labels/{}", path_segment(id)))
            .collect();
        let full: Vec<Option<ApiLabel>> = self
            .transport
            .batch_get(tokens, Method::LabelsGet, &paths)
            .await?;
        let full: HashMap<&str, ApiLabel> = wanted
            .iter()
            .copied()
            .zip(full)
            .filter_map(|(id, l)| Some((id, l?)))
            .collect();
        Ok(list
            .labels
            .iter()
            .map(|l| label_from(full.get(l.id.as_str()).unwrap_or(l)))
            .collect())
    }
}
