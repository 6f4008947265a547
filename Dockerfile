# Build a static Turnout binary (pure-Go SQLite, no cgo) and run it as a non-root user.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/turnout ./cmd/turnout && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/turnout /usr/local/bin/turnout
# /data holds the SQLite file when no database is configured (the default
# sqlite:turnout.db, relative to the working directory); nonroot owns it.
# The image sets neither TURNOUT_DATABASE_URL nor TURNOUT_DATABASE_URL_FILE,
# so whichever one the deployment sets is the one used (setting both is an error).
COPY --from=build --chown=65532:65532 /out/data /data
WORKDIR /data
ENV TURNOUT_ADDR=:3000 \
    TURNOUT_LOG_FORMAT=json
EXPOSE 3000
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/turnout"]
CMD ["serve"]
