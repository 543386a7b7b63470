//! The service's Postgres: a pool, and the migrations of `migrations/` (embedded at build time),
//! applied at start.

use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

/// The migrations of `migrations/`, in order.
pub static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Connects and brings the schema up to date. The URL is never printed: it may hold a password.
pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<PgPool> {
    let pool = PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(std::time::Duration::from_secs(10))
        .connect(url)
        .await
        .map_err(|e| anyhow::anyhow!("cannot connect to the database in DATABASE_URL: {e}"))?;
    MIGRATIONS.run(&pool).await.map_err(|e| anyhow::anyhow!("applying migrations: {e}"))?;
    Ok(pool)
}
