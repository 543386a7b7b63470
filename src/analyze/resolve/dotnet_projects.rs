//! C# project references: code sees the types of its own project and of the projects it
//! references (`<ProjectReference Include="..\Core\Core.csproj" />`), transitively, as SDK-style
//! projects do. A file belongs to the project whose `.csproj` is in its nearest folder; two
//! projects may declare the same namespace and type, and only the one referenced is meant.

use super::{join, normalize, parent};
use std::collections::{HashMap, HashSet};

#[derive(Default)]
pub struct Projects {
    /// Project folders, deepest first (a file belongs to the first that contains it).
    folders: Vec<String>,
    /// Project folder → the project folders its code sees, itself included.
    sees: HashMap<String, HashSet<String>>,
}

impl Projects {
    /// The projects among the configuration files (`.csproj` paths with their text).
    pub fn new(configs: &HashMap<String, String>) -> Self {
        let mut references: HashMap<String, Vec<String>> = HashMap::new();
        for (path, text) in configs.iter().filter(|(path, _)| path.ends_with(".csproj")) {
            let folder = parent(path).to_owned();
            let referenced: Vec<String> = (project_references(text).into_iter())
                .filter_map(|include| normalize(&join(&folder, &include)))
                .map(|csproj| parent(&csproj).to_owned())
                .collect();
            references.entry(folder).or_default().extend(referenced);
        }
        let sees = (references.keys())
            .map(|folder| {
                // Everything reachable through references, the project itself included.
                let mut seen = HashSet::from([folder.clone()]);
                let mut next = vec![folder];
                while let Some(project) = next.pop() {
                    for referenced in references.get(project).into_iter().flatten() {
                        if seen.insert(referenced.clone()) {
                            next.push(referenced);
                        }
                    }
                }
                (folder.clone(), seen)
            })
            .collect();
        let mut folders: Vec<String> = references.into_keys().collect();
        folders.sort_by_key(|folder| std::cmp::Reverse(folder.len()));
        Projects { folders, sees }
    }

    /// The folder of the project `path` belongs to, if any.
    fn of(&self, path: &str) -> Option<&str> {
        (self.folders.iter())
            .find(|folder| folder.is_empty() || path.strip_prefix(folder.as_str()).is_some_and(|r| r.starts_with('/')))
            .map(String::as_str)
    }

    /// Whether code in file `from` can use the types of file `to`. Files outside any project
    /// (or a repository without project files) have no such rule.
    pub fn can_see(&self, from: &str, to: &str) -> bool {
        match (self.of(from), self.of(to)) {
            (Some(from), Some(to)) => self.sees.get(from).is_some_and(|sees| sees.contains(to)),
            _ => true,
        }
    }
}

/// The `Include` paths of a project file's `ProjectReference` items, `/`-separated. Paths built
/// from MSBuild properties (`$(SolutionDir)...`) cannot be known without a build; they are left out.
fn project_references(text: &str) -> Vec<String> {
    let Ok(document) = roxmltree::Document::parse(text) else { return Vec::new() };
    (document.descendants())
        .filter(|node| node.has_tag_name("ProjectReference"))
        .filter_map(|node| node.attribute("Include"))
        .filter(|include| !include.contains("$("))
        .map(|include| include.trim().replace('\\', "/"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn projects(files: &[(&str, &str)]) -> Projects {
        Projects::new(&files.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect())
    }

    #[test]
    fn references_are_followed_transitively_and_only_forwards() {
        let p = projects(&[
            (
                "src/Api/Api.csproj",
                r#"<Project Sdk="Microsoft.NET.Sdk.Web"><ItemGroup><ProjectReference Include="..\Core\Core.csproj" /></ItemGroup></Project>"#,
            ),
            (
                "src/Core/Core.csproj",
                r#"<Project><ItemGroup><ProjectReference Include="../Shared/Shared.csproj"/></ItemGroup></Project>"#,
            ),
            ("src/Shared/Shared.csproj", "<Project />"),
            (
                "src/Worker/Worker.csproj",
                "<Project><!-- <ProjectReference Include=\"..\\Api\\Api.csproj\" /> --></Project>",
            ),
        ]);
        assert!(p.can_see("src/Api/Program.cs", "src/Core/Orders/Order.cs"));
        assert!(p.can_see("src/Api/Program.cs", "src/Shared/Clock.cs"), "references are transitive");
        assert!(!p.can_see("src/Core/Order.cs", "src/Api/Program.cs"), "a reference has a direction");
        assert!(!p.can_see("src/Worker/Job.cs", "src/Api/Program.cs"), "a commented-out reference is none");
        assert!(p.can_see("tools/Script.cs", "src/Api/Program.cs"), "outside any project: no rule");
    }

    #[test]
    fn a_broken_project_file_references_nothing() {
        let p = projects(&[("A/A.csproj", "<Project><ProjectReference Include="), ("B/B.csproj", "<Project/>")]);
        assert!(!p.can_see("A/X.cs", "B/Y.cs"));
        assert!(p.can_see("A/X.cs", "A/Z.cs"));
    }
}
