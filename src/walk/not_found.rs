//! Targets that do not exist (issue 16): how each kind is checked, and the error that names
//! what was looked for and, where one is likely, the fix.
//!
//! The images endpoint answers an unknown id with an empty page, not a 404 (doc/api.md), so an
//! empty target is checked once against the endpoint that knows the thing itself: the models
//! endpoint for a model, `GET /api/v1/model-versions/{id}` for a version, `GET
//! /api/v1/posts/{id}` for a post, and the images endpoint at every browsing level for an image
//! or a user (a user whose images are all above the asked level exists).

use crate::item::Item;
use crate::walk::client::ApiError;
use crate::walk::pages::PageSource;
use crate::walk::query::{Target, ALL_LEVELS};

/// A target that is not there.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotFound {
    /// `--model-id N`: the models endpoint does not know N; `version` when N is a model
    /// version's id instead.
    #[error("no model {id}{}", version_hint(*id, *version))]
    Model { id: u64, version: bool },
    /// `--model-version-id N`; `model` when N is a model's id instead.
    #[error("no model version {id}{}", model_hint(*id, *model))]
    Version { id: u64, model: bool },
    /// `--post-id N`.
    #[error("no post {0}")]
    Post(u64),
    /// `--image-id N`, asked at every browsing level.
    #[error("no image {0} at any browsing level")]
    Image(u64),
    /// `--collection-id N`.
    #[error("no collection {0}")]
    Collection(u64),
    /// `--username NAME`: no image at any browsing level.
    #[error("no images by a user named {0} at any browsing level: is the name spelt as in the profile URL, civitai.com/user/NAME?")]
    User(String),
    /// `--user-id N`: no image at any browsing level.
    #[error("no images by user id {0} at any browsing level")]
    UserId(u64),
}

fn version_hint(id: u64, version: bool) -> String {
    if version {
        format!(" ({id} is a model version: use --model-version-id {id})")
    } else {
        String::new()
    }
}

fn model_hint(id: u64, model: bool) -> String {
    if model {
        format!(" ({id} is a model: use --model-id {id})")
    } else {
        String::new()
    }
}

/// A model id the models endpoint answered 404 for: a version's id given as a model's is
/// missing at once (with the hint); any other is walked on the legacy path (doc/api.md: a model
/// can be hidden from the models endpoint while its images stay listed) and checked if empty.
pub async fn unlisted_model(
    client: &impl PageSource,
    id: u64,
) -> Result<Option<NotFound>, ApiError> {
    let version = version_exists(client, id).await?;
    Ok(version.then_some(NotFound::Model { id, version }))
}

/// The first of a target's filters that names nothing, checked one by one; `None` when each
/// exists (the target is only empty, at this level or in this combination).
pub async fn first_missing(
    client: &impl PageSource,
    target: &Target,
) -> Result<Option<NotFound>, ApiError> {
    if let Some(id) = target.model {
        if !probe(client, "modelId", &id.to_string(), None).await? {
            return Ok(Some(NotFound::Model { id, version: false }));
        }
    }
    for (key, value) in &target.params {
        let Ok(id) = value.parse::<u64>() else {
            if *key == "username" && !probe(client, key, value, Some(value)).await? {
                return Ok(Some(NotFound::User(value.clone())));
            }
            continue;
        };
        let missing = match *key {
            "imageId" => !probe(client, key, value, None).await?,
            "postId" => !exists(client, &["posts", value]).await?,
            "modelVersionId" => !version_exists(client, id).await?,
            "modelId" => !exists(client, &["models", value]).await?,
            "userId" => !probe(client, key, value, None).await?,
            _ => false,
        };
        if missing {
            return Ok(Some(match *key {
                "imageId" => NotFound::Image(id),
                "postId" => NotFound::Post(id),
                "modelVersionId" => NotFound::Version {
                    id,
                    model: exists(client, &["models", value]).await?,
                },
                "modelId" => NotFound::Model { id, version: false },
                _ => NotFound::UserId(id),
            }));
        }
    }
    Ok(None)
}

/// Whether the images endpoint has anything for `key=value` at every browsing level; with
/// `user`, only that user's items count (doc/api.md: an unknown name can bring other users'
/// images, and the legacy path answers it with a 404).
async fn probe(
    client: &impl PageSource,
    key: &str,
    value: &str,
    user: Option<&str>,
) -> Result<bool, ApiError> {
    let params = [(key, value), ("browsingLevel", ALL_LEVELS), ("limit", "1")];
    let page = match client.get_page(&params, 1).await {
        Ok(page) => page,
        Err(ApiError::Status { status: 404, .. }) => return Ok(false),
        Err(e) => return Err(e),
    };
    // The API looks a name up slugified; its items carry the real name.
    let user = user.map(crate::walk::query::username_slug);
    let by_user = |item: &Item| {
        user.as_deref().is_none_or(|u| {
            item.username
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(u))
        })
    };
    Ok(page.items.iter().any(by_user))
}

async fn version_exists(client: &impl PageSource, id: u64) -> Result<bool, ApiError> {
    exists(client, &["model-versions", &id.to_string()]).await
}

/// Whether `GET {base}/api/v1/{path}` answers (404: no).
async fn exists(client: &impl PageSource, path: &[&str]) -> Result<bool, ApiError> {
    client.answers(path).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_fix() {
        let m = NotFound::Model {
            id: 1002,
            version: true,
        };
        assert_eq!(
            m.to_string(),
            "no model 1002 (1002 is a model version: use --model-version-id 1002)"
        );
        let v = NotFound::Version {
            id: 101,
            model: true,
        };
        assert_eq!(
            v.to_string(),
            "no model version 101 (101 is a model: use --model-id 101)"
        );
        assert_eq!(NotFound::Post(7).to_string(), "no post 7");
    }
}
