//! SwarmUI: a JSON object whose `sui_image_params` holds the settings (PNG `parameters`
//! chunk, or the EXIF UserComment of a JPEG/WebP); refiner settings describe the second
//! pass.

use serde_json::Value;

use super::normalize;
use super::record::{GenRecord, Hires};
use super::value::{as_f64, as_string, as_u32, Obj};

/// Whether a JSON object is SwarmUI's.
pub(crate) fn detect(obj: &Obj) -> bool {
    obj.get("sui_image_params").is_some_and(Value::is_object)
}

/// Builds the record from the whole object.
pub(crate) fn record(mut obj: Obj, source: &str) -> Option<GenRecord> {
    let Some(Value::Object(mut params)) = obj.remove("sui_image_params") else {
        return None;
    };
    let hires = Hires {
        upscaler: params
            .remove("refinerupscalemethod")
            .as_ref()
            .and_then(as_string),
        upscale: params.remove("refinerupscale").as_ref().and_then(as_f64),
        steps: params.remove("refinersteps").as_ref().and_then(as_u32),
    };
    let refine = params.remove("refinercontrolpercentage");
    let creativity = params.remove("initimagecreativity");
    let mut rec = normalize::from_map(params, source);
    if hires != Hires::default() {
        rec.hires = Some(hires);
    }
    rec.denoising_strength = refine.or(creativity).as_ref().and_then(as_f64);
    rec.extra.extend(obj);
    Some(rec)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn params_and_refiner() {
        let obj = json!({"sui_image_params": {"prompt": "p", "negativeprompt": "n ",
            "model": "wai", "seed": 7, "steps": 20, "cfgscale": 7.0, "width": 768, "height": 768,
            "sampler": "euler_ancestral", "scheduler": "karras", "refinercontrolpercentage": 0.3,
            "refinerupscale": 1.5, "refinerupscalemethod": "model-4x.pth"},
            "sui_models": [{"name": "wai.safetensors"}]});
        assert!(detect(obj.as_object().unwrap()));
        let rec = record(obj.as_object().unwrap().clone(), "s").unwrap();
        assert_eq!(rec.negative_prompt.as_deref(), Some("n "));
        assert_eq!(rec.cfg_scale, Some(7.0));
        assert_eq!(rec.width, Some(768));
        let hires = rec.hires.unwrap();
        assert_eq!(hires.upscale, Some(1.5));
        assert_eq!(hires.upscaler.as_deref(), Some("model-4x.pth"));
        assert_eq!(rec.denoising_strength, Some(0.3));
        assert!(rec.extra["sui_models"].is_array());
    }
}
