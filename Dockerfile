# Build: the whole crate, with SQLite and libpq compiled in.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src src
COPY migrations migrations
COPY templates templates
COPY static static
COPY locales locales
RUN cargo build --release --locked

# Run: a small image with the binary and the bundled definitions, as a non-root user.
FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin survey \
    && mkdir -p /app/data \
    && chown survey /app/data
WORKDIR /app
COPY --from=build /src/target/release/citizen-survey /usr/local/bin/citizen-survey
COPY survey-definitions survey-definitions
USER survey
ENV SURVEY_BIND=0.0.0.0:8080 \
    SURVEY_DEFINITIONS=/app/survey-definitions \
    DATABASE_URL=sqlite:///app/data/citizen-survey.db
EXPOSE 8080
ENTRYPOINT ["citizen-survey"]
CMD ["serve"]
