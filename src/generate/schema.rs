//! The database schema: tables built as data from the entities and the data decisions
//! (tenancy, accounts, roles, soft delete, audit, API tokens), printed as PostgreSQL DDL and as a
//! Mermaid ER diagram.

use super::entities::FieldType;
use super::{Gaps, Spec, one_line};
use spec_format::model::implies::ColumnSpec;
use std::fmt::Write;

pub struct Table {
    pub name: String,
    pub columns: Vec<Column>,
    /// Column lists that are unique together.
    pub unique: Vec<Vec<String>>,
    pub primary_key: Vec<String>,
    pub comment: Option<String>,
}

pub struct Column {
    pub name: String,
    pub sql_type: String,
    pub nullable: bool,
    pub default: Option<String>,
    pub references: Option<String>,
    pub check: Option<String>,
}

impl Column {
    fn new(name: &str, sql_type: &str) -> Column {
        Column {
            name: name.to_owned(),
            sql_type: sql_type.to_owned(),
            nullable: false,
            default: None,
            references: None,
            check: None,
        }
    }

    fn default(mut self, value: &str) -> Column {
        self.default = Some(value.to_owned());
        self
    }

    fn nullable(mut self) -> Column {
        self.nullable = true;
        self
    }

    fn references(mut self, table: &str) -> Column {
        self.references = Some(table.to_owned());
        self
    }
}

/// How customers' rows are kept apart, from `tenancy.model`.
#[derive(Clone, Copy, PartialEq)]
pub enum Tenancy {
    /// A workspace id on every row.
    Shared,
    /// One schema (or deployment) per customer: the tables carry no tenant column.
    Separate,
}

pub fn tenancy(spec: &Spec<'_>) -> Tenancy {
    match spec.word("tenancy.model").as_deref() {
        Some("shared") => Tenancy::Shared,
        Some(_) => Tenancy::Separate,
        // Undecided: shared when a decision's table belongs to a workspace, else none at all
        // (a pipeline or a command-line tool has no workspaces).
        None if references(spec, "Workspace") => Tenancy::Shared,
        None => Tenancy::Separate,
    }
}

/// Whether a table the decisions declare references `ty` (`User`, `Workspace`).
fn references(spec: &Spec<'_>, ty: &str) -> bool {
    spec.implied.tables.iter().any(|t| t.columns.iter().any(|c| c.ty == ty))
}

pub fn type_word(ty: &FieldType) -> &str {
    match ty {
        FieldType::Text => "text",
        FieldType::Int => "int",
        FieldType::Bool => "bool",
        FieldType::Decimal => "decimal",
        FieldType::Date => "date",
        FieldType::DateTime => "datetime",
        FieldType::Uuid => "uuid",
        FieldType::Json => "json",
        FieldType::Ref(target) => target,
    }
}

fn sql_type(ty: &FieldType) -> &'static str {
    match ty {
        FieldType::Text => "text",
        FieldType::Int => "bigint",
        FieldType::Bool => "boolean",
        FieldType::Decimal => "numeric(14, 2)",
        FieldType::Date => "date",
        FieldType::DateTime => "timestamptz",
        FieldType::Uuid | FieldType::Ref(_) => "uuid",
        FieldType::Json => "jsonb",
    }
}

pub fn tables(spec: &Spec<'_>) -> Vec<Table> {
    let tenancy = tenancy(spec);
    // People with accounts: decided, or undecided but named by a decision's table.
    let accounts = spec.flag("auth.accounts") || (spec.fact("auth.accounts").is_none() && references(spec, "User"));
    let soft_delete = spec.flag("data.soft_delete");
    let audit = spec.word("data.audit");
    let tokens = spec.is("api.auth", "tokens");
    let implied = spec.implied();
    for origin in implied.tables.iter().map(|t| &t.origin).chain(implied.entity_columns.iter().map(|(_, o)| o)) {
        spec.note_origin(origin);
    }
    let id = || Column::new("id", "uuid").default("gen_random_uuid()");
    let stamps = || {
        [
            Column::new("created_at", "timestamptz").default("now()"),
            Column::new("updated_at", "timestamptz").default("now()"),
        ]
    };
    let mut tables = Vec::new();
    if tenancy == Tenancy::Shared {
        let mut columns = vec![id(), Column::new("name", "text")];
        columns.extend(stamps());
        tables.push(Table {
            name: "workspaces".into(),
            columns,
            unique: vec![],
            primary_key: vec!["id".into()],
            comment: Some("One customer; every row of theirs carries its id.".into()),
        });
    }
    if accounts {
        let mut columns = vec![id(), Column::new("email", "text"), Column::new("name", "text")];
        columns.extend(stamps());
        if soft_delete {
            columns.push(Column::new("deleted_at", "timestamptz").nullable());
        }
        tables.push(Table {
            name: "users".into(),
            columns,
            unique: vec![vec!["email".into()]],
            primary_key: vec!["id".into()],
            comment: Some("A person who signs in.".into()),
        });
        if tenancy == Tenancy::Shared {
            let roles: Vec<String> = spec.roles().iter().map(|r| format!("'{}'", r.replace('\'', "''"))).collect();
            let mut role = Column::new("role", "text");
            role.check = Some(format!("role IN ({})", roles.join(", ")));
            tables.push(Table {
                name: "memberships".into(),
                columns: vec![
                    Column::new("workspace_id", "uuid").references("workspaces"),
                    Column::new("user_id", "uuid").references("users"),
                    role,
                    Column::new("created_at", "timestamptz").default("now()"),
                ],
                unique: vec![],
                primary_key: vec!["workspace_id".into(), "user_id".into()],
                comment: Some("Who belongs to which workspace, in which role.".into()),
            });
        }
    }
    for entity in spec.entities() {
        let mut columns = vec![id()];
        if tenancy == Tenancy::Shared {
            columns.push(Column::new("workspace_id", "uuid").references("workspaces"));
        }
        let mut unique = Vec::new();
        for field in &entity.fields {
            let mut column = Column::new(&field.column(), sql_type(&field.ty));
            column.nullable = field.optional;
            if field.ty == FieldType::Bool && !field.optional {
                column.default = Some("false".into());
            }
            if let FieldType::Ref(target) = &field.ty {
                column.references = Some(super::entities::plural(target));
            }
            if field.unique {
                let mut key = Vec::new();
                if tenancy == Tenancy::Shared {
                    key.push("workspace_id".to_owned());
                }
                key.push(column.name.clone());
                unique.push(key);
            }
            columns.push(column);
        }
        columns.extend(stamps());
        if soft_delete {
            columns.push(Column::new("deleted_at", "timestamptz").nullable());
        }
        for (spec_column, _) in &implied.entity_columns {
            if !columns.iter().any(|c| c.name == column_name(spec_column)) {
                columns.push(column(spec_column, &[]));
            }
        }
        tables.push(Table { name: entity.plural(), columns, unique, primary_key: vec!["id".into()], comment: None });
    }
    let known: Vec<String> =
        tables.iter().map(|t| t.name.clone()).chain(implied.tables.iter().map(|t| t.name.clone())).collect();
    for declared in &implied.tables {
        if tables.iter().any(|t| t.name == declared.name) {
            continue;
        }
        let mut columns = vec![id()];
        let mut unique = Vec::new();
        for c in &declared.columns {
            let column = column(c, &known);
            if c.unique {
                unique.push(vec![column.name.clone()]);
            }
            columns.push(column);
        }
        if !columns.iter().any(|c| c.name == "created_at") {
            columns.push(Column::new("created_at", "timestamptz").default("now()"));
        }
        tables.push(Table {
            name: declared.name.clone(),
            columns,
            unique,
            primary_key: vec!["id".into()],
            comment: Some(format!("{} (from `{}`)", declared.purpose.trim_end_matches('.'), declared.origin.key)),
        });
    }
    if matches!(audit.as_deref(), Some("changes" | "full_history")) && !tables.iter().any(|t| t.name == "audit_events")
    {
        let mut columns = vec![Column::new("id", "bigserial")];
        if tenancy == Tenancy::Shared {
            columns.push(Column::new("workspace_id", "uuid").references("workspaces"));
        }
        if accounts {
            columns.push(Column::new("actor_id", "uuid").nullable().references("users"));
        }
        columns.extend([
            Column::new("table_name", "text"),
            Column::new("row_id", "uuid"),
            Column::new("action", "text"),
            Column::new("at", "timestamptz").default("now()"),
        ]);
        if let Some(action) = columns.iter_mut().find(|c| c.name == "action") {
            action.check = Some("action IN ('insert', 'update', 'delete')".into());
        }
        if audit.as_deref() == Some("full_history") {
            columns.push(Column::new("before", "jsonb").nullable());
            columns.push(Column::new("after", "jsonb").nullable());
        } else {
            columns.push(Column::new("changed_fields", "text[]").default("'{}'"));
        }
        tables.push(Table {
            name: "audit_events".into(),
            columns,
            unique: vec![],
            primary_key: vec!["id".into()],
            comment: Some("Who changed what, and when.".into()),
        });
    }
    if tokens && accounts && !tables.iter().any(|t| t.name == "api_tokens") {
        tables.push(Table {
            name: "api_tokens".into(),
            columns: vec![
                id(),
                Column::new("user_id", "uuid").references("users"),
                Column::new("name", "text"),
                Column::new("token_sha256", "text"),
                Column::new("last_used_at", "timestamptz").nullable(),
                Column::new("expires_at", "timestamptz").nullable(),
                Column::new("created_at", "timestamptz").default("now()"),
            ],
            unique: vec![vec!["token_sha256".into()]],
            primary_key: vec!["id".into()],
            comment: Some("Personal access tokens; only their hash is stored.".into()),
        });
    }
    order_by_references(tables)
}

/// A column of a declared table: `<name>_id` for a reference to a table that exists (a plain
/// uuid otherwise), a CHECK for an enumeration, booleans NOT NULL with a default.
fn column(c: &ColumnSpec, known: &[String]) -> Column {
    let mut column = match c.ty.as_str() {
        "enum" => {
            let mut column = Column::new(&c.name, "text");
            let values: Vec<String> = c.values.iter().map(|v| format!("'{}'", v.replace('\'', "''"))).collect();
            column.check = Some(format!("{} IN ({})", ident(&c.name), values.join(", ")));
            column
        }
        "bool" | "boolean" => Column::new(&c.name, "boolean").default("false"),
        word if word.starts_with(|ch: char| ch.is_ascii_uppercase()) => {
            let mut column = Column::new(&column_name(c), "uuid");
            let target = super::entities::snake(word).map(|s| super::entities::plural(&s));
            column.references = target.filter(|t| known.contains(t));
            column
        }
        word => Column::new(&c.name, sql_word(word)),
    };
    column.nullable = c.optional;
    if c.optional && column.sql_type == "boolean" {
        column.default = None;
    }
    column
}

fn column_name(c: &ColumnSpec) -> String {
    if c.ty.starts_with(|ch: char| ch.is_ascii_uppercase()) && !c.name.ends_with("_id") {
        format!("{}_id", c.name)
    } else {
        c.name.clone()
    }
}

fn sql_word(word: &str) -> &'static str {
    match word {
        "int" | "integer" => "bigint",
        "decimal" | "money" => "numeric(14, 2)",
        "date" => "date",
        "datetime" | "timestamp" => "timestamptz",
        "uuid" => "uuid",
        "json" => "jsonb",
        _ => "text",
    }
}

/// Tables after the tables they reference (stable otherwise); a cycle keeps its order.
fn order_by_references(tables: Vec<Table>) -> Vec<Table> {
    let mut placed: Vec<Table> = Vec::with_capacity(tables.len());
    let mut rest = tables;
    while !rest.is_empty() {
        let ready = rest.iter().position(|t| {
            t.columns
                .iter()
                .filter_map(|c| c.references.as_deref())
                .all(|r| r == t.name || placed.iter().any(|p| p.name == r))
        });
        placed.push(rest.remove(ready.unwrap_or(0)));
    }
    placed
}

/// PostgreSQL's reserved key words (and those reserved but allowed as function or type names):
/// a column or table by one of these names is quoted.
const RESERVED: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "binary",
    "both",
    "case",
    "cast",
    "check",
    "collate",
    "collation",
    "column",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "false",
    "fetch",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "group",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "intersect",
    "into",
    "is",
    "isnull",
    "join",
    "lateral",
    "leading",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "natural",
    "not",
    "notnull",
    "null",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "outer",
    "overlaps",
    "placing",
    "primary",
    "references",
    "returning",
    "right",
    "select",
    "session_user",
    "similar",
    "some",
    "symmetric",
    "system_user",
    "table",
    "tablesample",
    "then",
    "to",
    "trailing",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
];

/// An identifier as SQL: quoted when it is a reserved word.
fn ident(name: &str) -> String {
    if RESERVED.binary_search(&name).is_ok() { format!("\"{name}\"") } else { name.to_owned() }
}

pub fn generate(spec: &Spec<'_>, gaps: &Gaps) -> Vec<(String, &'static str, Vec<u8>)> {
    let tables = tables(spec);
    let sql = sql(spec, &tables, gaps);
    let er = er_diagram(&tables, gaps);
    vec![("schema.sql".into(), "sql", sql.into_bytes()), ("schema.mmd".into(), "mermaid", er.into_bytes())]
}

fn sql(spec: &Spec<'_>, tables: &[Table], gaps: &Gaps) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "-- {}: database schema (PostgreSQL), generated by specbuilder.", one_line(&spec.name));
    let _ = writeln!(out, "-- Regenerate with `specbuilder generate schema`; hand edits are kept on record.");
    if let Some(store) = spec.word("data.store").filter(|s| s != "postgres") {
        let _ = writeln!(out, "-- The data store decided is `{store}`; this PostgreSQL DDL documents the model.");
    }
    if tenancy(spec) == Tenancy::Separate {
        let _ = writeln!(out, "-- Tenancy: one schema or deployment per customer; apply this file in each.");
    }
    if spec.flag("data.soft_delete") {
        let _ = writeln!(out, "-- Soft delete: rows are hidden by setting deleted_at; queries filter on it.");
    }
    out.push_str(&gaps.comment("-- "));
    out.push('\n');
    for table in tables {
        if let Some(comment) = &table.comment {
            let _ = writeln!(out, "-- {comment}");
        }
        let _ = writeln!(out, "CREATE TABLE {} (", ident(&table.name));
        let mut lines: Vec<String> = (table.columns.iter())
            .map(|c| {
                let mut line = format!("    {} {}", ident(&c.name), c.sql_type);
                if !c.nullable {
                    line.push_str(" NOT NULL");
                }
                if let Some(default) = &c.default {
                    let _ = write!(line, " DEFAULT {default}");
                }
                if let Some(check) = &c.check {
                    let _ = write!(line, " CHECK ({check})");
                }
                line
            })
            .collect();
        let list = |columns: &[String]| columns.iter().map(|c| ident(c)).collect::<Vec<_>>().join(", ");
        lines.push(format!("    PRIMARY KEY ({})", list(&table.primary_key)));
        for key in &table.unique {
            lines.push(format!("    UNIQUE ({})", list(key)));
        }
        let _ = writeln!(out, "{}\n);\n", lines.join(",\n"));
    }
    // Foreign keys after every table exists, so references may point either way.
    for table in tables {
        for column in &table.columns {
            if let Some(target) = &column.references {
                let on_delete = if column.nullable { "SET NULL" } else { "CASCADE" };
                let _ = writeln!(
                    out,
                    "ALTER TABLE {} ADD CONSTRAINT {}_{}_fkey FOREIGN KEY ({}) REFERENCES {} (id) ON DELETE {on_delete};",
                    ident(&table.name),
                    table.name,
                    column.name,
                    ident(&column.name),
                    ident(target)
                );
            }
        }
    }
    out.push('\n');
    for table in tables {
        for column in table.columns.iter().filter(|c| c.references.is_some()) {
            if table.primary_key.first() == Some(&column.name) {
                continue;
            }
            let (name, on) = (format!("{}_{}_idx", table.name, column.name), ident(&table.name));
            let _ = writeln!(out, "CREATE INDEX {name} ON {on} ({});", ident(&column.name));
        }
    }
    out
}

fn er_diagram(tables: &[Table], gaps: &Gaps) -> String {
    let mut out = String::from("erDiagram\n");
    out.push_str(&gaps.comment("    %% "));
    for table in tables {
        let _ = writeln!(out, "    {} {{", table.name);
        for c in &table.columns {
            let ty = c.sql_type.split(['(', '[']).next().unwrap_or("text").trim();
            let ty = if c.sql_type.ends_with("[]") { format!("{ty}_array") } else { ty.to_owned() };
            let key = match (table.primary_key.contains(&c.name), c.references.is_some()) {
                (true, true) => " PK, FK",
                (true, false) => " PK",
                (false, true) => " FK",
                (false, false) => "",
            };
            let _ = writeln!(out, "        {ty} {}{key}", c.name);
        }
        let _ = writeln!(out, "    }}");
    }
    for table in tables {
        for c in &table.columns {
            if let Some(target) = &c.references {
                let left = if c.nullable { "|o" } else { "||" };
                let _ = writeln!(out, "    {target} {left}--o{{ {} : \"{}\"", table.name, c.name);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn reserved_words_are_sorted_for_binary_search() {
        assert!(super::RESERVED.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(super::ident("order"), "\"order\"");
        assert_eq!(super::ident("title"), "title");
    }
}
