//! Mermaid artifacts rendered to SVG on the server by merman, served as an image: a browser
//! never runs a script inside an `<img>`, and the route forbids scripts besides.

use super::repo::{State, ViewError};
use merman::{OperationControl, RenderOutput, RenderRequest, Renderer, SvgRequest};

/// The SVG of a Mermaid source, or why there is none.
pub fn render(source: &str) -> Result<String, String> {
    let output = Renderer::new()
        .render(RenderRequest::svg(source, OperationControl::new(), SvgRequest::default()))
        .map_err(|e| e.to_string())?;
    match output {
        RenderOutput::Svg(Some(svg)) => Ok(svg.svg().to_string()),
        _ => Err("no Mermaid diagram found in this file".to_owned()),
    }
}

/// The SVG of the artifact `name`, rendered once per revision.
pub fn svg_of(state: &State, project: &spec_format::workspace::ProjectSpec, name: &str) -> Result<String, ViewError> {
    let bytes = super::artifact::bytes(state, project, name)?;
    let source = std::str::from_utf8(bytes).map_err(|_| ViewError::NotFound(format!("`{name}` is not text")))?;
    state.diagram(name, || render(source)).map_err(ViewError::NotFound)
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_er_diagram_becomes_svg_and_nonsense_says_why() {
        let svg = super::render("erDiagram\n  USER ||--o{ TEAM : joins\n").unwrap();
        assert!(svg.contains("<svg") && svg.contains("USER"), "{svg}");
        assert!(super::render("this is not mermaid").is_err());
    }
}
