//! What a person replies to a question comment of the bot to take its recommendation: shared by
//! the service tests and the service benchmark, so both answer the same way.

/// The recommended option's id in a question comment, else the first option; entities for the
/// data model question.
pub fn recommended(question: &str) -> String {
    if question.contains("`data.entities`") {
        return "Project: name!; Task: title, done:bool, project:Project".to_owned();
    }
    // A form: its first field with the recommended value.
    if let Some(row) = question.lines().skip_while(|l| !l.starts_with("| field |")).nth(2) {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        return format!("{}: {}", cells[1].trim_matches('`').replace('\\', ""), cells[2]);
    }
    let ids: Vec<&str> = (question.lines().filter(|l| l.ends_with("**recommended**")))
        .filter_map(|l| l.split("(`").nth(1)?.split('`').next())
        .collect();
    if ids.is_empty() { "1".to_owned() } else { ids.join(",") }
}
