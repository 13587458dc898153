//! The SQLite and PostgreSQL migrations must build the same schema: tables, columns, types,
//! nullability, keys, uniqueness, foreign keys, indexes and which columns carry a CHECK.

use std::collections::BTreeSet;

use citizen_survey::db::{DatabaseUrl, DbConnection, establish, run_migrations};
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};

use crate::helpers::{postgres_server, with_database};

/// One fact about the schema, as a comparable line.
type Schema = BTreeSet<String>;

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    a: String,
    #[diesel(sql_type = Text)]
    b: String,
    #[diesel(sql_type = Text)]
    c: String,
    #[diesel(sql_type = Integer)]
    d: i32,
}

fn rows(conn: &mut DbConnection, sql: &str) -> Vec<Row> {
    diesel::sql_query(sql)
        .load(conn)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

const SKIP: &str = "__diesel_schema_migrations";

fn sqlite_schema(conn: &mut DbConnection) -> Schema {
    let mut s = Schema::new();
    let tables = rows(
        conn,
        &format!(
            "SELECT name AS a, sql AS b, '' AS c, 0 AS d FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '{SKIP}'"
        ),
    );
    for t in &tables {
        let table = &t.a;
        s.insert(format!("table {table}"));
        for c in rows(
            conn,
            &format!(
                "SELECT name AS a, lower(type) AS b, '' AS c, \"notnull\" AS d FROM pragma_table_info('{table}')"
            ),
        ) {
            s.insert(format!(
                "column {table}.{} {} notnull={}",
                c.a,
                c.b,
                c.d == 1
            ));
        }
        let pk = rows(
            conn,
            &format!(
                "SELECT name AS a, '' AS b, '' AS c, pk AS d FROM pragma_table_info('{table}') WHERE pk > 0 ORDER BY pk"
            ),
        );
        s.insert(format!(
            "primary key {table}({})",
            pk.iter()
                .map(|r| r.a.as_str())
                .collect::<Vec<_>>()
                .join(",")
        ));
        for idx in rows(
            conn,
            &format!(
                "SELECT name AS a, origin AS b, '' AS c, \"unique\" AS d FROM pragma_index_list('{table}')"
            ),
        ) {
            let cols = rows(
                conn,
                &format!(
                    "SELECT name AS a, '' AS b, '' AS c, seqno AS d FROM pragma_index_info('{}') ORDER BY seqno",
                    idx.a
                ),
            );
            let cols: Vec<&str> = cols.iter().map(|r| r.a.as_str()).collect();
            match idx.b.as_str() {
                "u" => s.insert(format!("unique {table}({})", cols.join(","))),
                "c" => s.insert(format!(
                    "index {} on {table}({}) unique={}",
                    idx.a,
                    cols.join(","),
                    idx.d == 1
                )),
                _ => false, // the primary key's own index
            };
        }
        for fk in rows(
            conn,
            &format!(
                "SELECT \"from\" AS a, \"table\" || '.' || \"to\" AS b, lower(on_delete) AS c, 0 AS d FROM pragma_foreign_key_list('{table}')"
            ),
        ) {
            s.insert(format!(
                "foreign key {table}.{} -> {} on delete {}",
                fk.a, fk.b, fk.c
            ));
        }
        // One column per line in the migrations: a line with CHECK names its column first.
        for line in t.b.lines().filter(|l| l.contains("CHECK")) {
            let column = line.split_whitespace().next().unwrap();
            s.insert(format!("check on {table}.{column}"));
        }
    }
    s
}

fn postgres_schema(conn: &mut DbConnection) -> Schema {
    let mut s = Schema::new();
    for t in rows(
        conn,
        &format!(
            "SELECT table_name::text AS a, '' AS b, '' AS c, 0 AS d FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '{SKIP}'"
        ),
    ) {
        s.insert(format!("table {}", t.a));
    }
    for c in rows(
        conn,
        &format!(
            "SELECT table_name || '.' || column_name AS a, data_type::text AS b, '' AS c, CASE is_nullable WHEN 'NO' THEN 1 ELSE 0 END AS d FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '{SKIP}'"
        ),
    ) {
        // The one name PostgreSQL spells differently for the same type.
        let ty = c.b.replace("timestamp without time zone", "timestamp");
        s.insert(format!("column {} {ty} notnull={}", c.a, c.d == 1));
    }
    let keys = |conn: &mut DbConnection, contype: &str| {
        rows(
            conn,
            &format!(
                "SELECT rel.relname::text AS a,
                        string_agg(att.attname::text, ',' ORDER BY k.ord) AS b,
                        con.conname::text AS c, 0 AS d
                 FROM pg_constraint con
                 JOIN pg_class rel ON rel.oid = con.conrelid
                 JOIN pg_namespace ns ON ns.oid = rel.relnamespace AND ns.nspname = 'public'
                 CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
                 JOIN pg_attribute att ON att.attrelid = rel.oid AND att.attnum = k.attnum
                 WHERE con.contype = '{contype}' AND rel.relname <> '{SKIP}'
                 GROUP BY rel.relname, con.conname"
            ),
        )
    };
    for pk in keys(conn, "p") {
        s.insert(format!("primary key {}({})", pk.a, pk.b));
    }
    for u in keys(conn, "u") {
        s.insert(format!("unique {}({})", u.a, u.b));
    }
    for c in keys(conn, "c") {
        s.insert(format!("check on {}.{}", c.a, c.b));
    }
    for fk in rows(
        conn,
        "SELECT kcu.table_name || '.' || kcu.column_name AS a,
                ccu.table_name || '.' || ccu.column_name AS b,
                lower(rc.delete_rule) AS c, 0 AS d
         FROM information_schema.referential_constraints rc
         JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = rc.constraint_name
         JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = rc.constraint_name
         WHERE kcu.table_schema = 'public'",
    ) {
        s.insert(format!("foreign key {} -> {} on delete {}", fk.a, fk.b, fk.c));
    }
    for idx in rows(
        conn,
        "SELECT i.relname::text AS a, t.relname::text AS b,
                string_agg(a.attname::text, ',' ORDER BY k.ord) AS c,
                CASE WHEN ix.indisunique THEN 1 ELSE 0 END AS d
         FROM pg_index ix
         JOIN pg_class i ON i.oid = ix.indexrelid
         JOIN pg_class t ON t.oid = ix.indrelid
         JOIN pg_namespace ns ON ns.oid = t.relnamespace AND ns.nspname = 'public'
         CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
         WHERE NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid)
         GROUP BY i.relname, t.relname, ix.indisunique",
    ) {
        s.insert(format!(
            "index {} on {}({}) unique={}",
            idx.a,
            idx.b,
            idx.c,
            idx.d == 1
        ));
    }
    s
}

#[test]
#[ignore = "needs PostgreSQL: set TEST_POSTGRES_URL and run with --include-ignored"]
fn sqlite_and_postgresql_migrations_build_the_same_schema() {
    let server = postgres_server().expect("TEST_POSTGRES_URL must point at a PostgreSQL server");
    let dir = tempfile::tempdir().unwrap();
    let sqlite =
        DatabaseUrl::parse(&format!("sqlite://{}", dir.path().join("m.db").display())).unwrap();
    let mut sqlite = establish(&sqlite).unwrap();
    run_migrations(&mut sqlite).unwrap();

    // A fresh database of its own, dropped at the end.
    let name = format!("cs_migrations_{}", uuid::Uuid::new_v4().simple());
    let mut admin = PgConnection::establish(&server).unwrap();
    diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
        .execute(&mut admin)
        .unwrap();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let url = DatabaseUrl::parse(&with_database(&server, &name)).unwrap();
        let mut pg = establish(&url).unwrap();
        run_migrations(&mut pg).unwrap();
        let (lite, post) = (sqlite_schema(&mut sqlite), postgres_schema(&mut pg));
        assert!(
            lite.len() > 20,
            "the introspection found the schema: {lite:#?}"
        );
        assert_eq!(
            lite, post,
            "SQLite (left) and PostgreSQL (right) schemas differ"
        );
    }));
    diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .execute(&mut admin)
        .unwrap();
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}
