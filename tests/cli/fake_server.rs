//! Tests of the fake Civitai itself, over real HTTP.
