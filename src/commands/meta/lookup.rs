//! Generation data of one image from the API: `GET /api/v1/images?imageId=…&withMeta=true`.

use anyhow::{anyhow, Context, Result};
use serde_json::Value;

use crate::meta::GenRecord;
use crate::walk::client::Client;

/// Every browsing level a key can see (PG=1 … XXX=16). Without it the API answers PG only
/// (doc/api.md, "with neither, the default is 1"), so an R-rated image would read as "not found"
/// although the user named it exactly.
const ALL_LEVELS: &str = "31";

/// The record of image `id`, with `source` = `api` and the id under `extra.id`.
///
/// Errors: the API failed (after the client's retries), the image is not there, or it has
/// no generation data (`meta` null, or a wrapper around null).
pub async fn fetch(client: &Client, id: u64) -> Result<GenRecord> {
    let id_text = id.to_string();
    let params = [
        ("imageId", id_text.as_str()),
        ("withMeta", "true"),
        ("browsingLevel", ALL_LEVELS),
    ];
    let page = client
        .get_page(&params, 1)
        .await
        .with_context(|| format!("looking up image {id}"))?;
    let item = page
        .items
        .iter()
        .find(|item| item.id == Some(id))
        .ok_or_else(|| anyhow!("image {id} not found"))?;
    record_of(&item.value(), id)
}

/// Builds the record from an item's `meta`, whichever of the three shapes it has.
fn record_of(item: &Value, id: u64) -> Result<GenRecord> {
    let meta = item.get("meta").unwrap_or(&Value::Null);
    let mut record = GenRecord::from_api_meta(meta)
        .ok_or_else(|| anyhow!("image {id} has no generation data"))?;
    // The wrapper shape already leaves its `id` here; a flat meta gets the same, so both
    // shapes give one record.
    record.extra.entry("id").or_insert(Value::from(id));
    Ok(record)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn flat_and_wrapped_meta_give_the_same_record() {
        let meta = json!({"prompt": "a cat", "seed": 5, "Model": "m"});
        let flat = record_of(&json!({"id": 9, "meta": meta}), 9).unwrap();
        let wrapped = record_of(&json!({"id": 9, "meta": {"id": 9, "meta": meta}}), 9).unwrap();
        assert_eq!(flat, wrapped);
        assert_eq!(flat.prompt.as_deref(), Some("a cat"));
        assert_eq!(flat.extra["id"], 9);
    }

    #[test]
    fn null_meta_in_any_shape_is_no_generation_data() {
        for item in [
            json!({"id": 9, "meta": null}),
            json!({"id": 9}),
            json!({"id": 9, "meta": {"id": 9, "meta": null}}),
        ] {
            let err = record_of(&item, 9).unwrap_err().to_string();
            assert_eq!(err, "image 9 has no generation data", "{item}");
        }
    }
}
