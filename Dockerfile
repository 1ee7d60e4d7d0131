# The container image of scaffold: the static binary, the CA certificates and
# nothing else. GoReleaser builds it for a tag with the binary it built and the
# certificates scripts/release-assets copied from Debian's ca-certificates; the
# Docker stage of CI builds it the same way. Run it as yourself, so that the
# files it writes are yours:
#   docker run --rm --user "$(id -u):$(id -g)" -v "$PWD:/work" -w /work IMAGE new myapi --yes
FROM scratch
ARG TARGETPLATFORM
COPY build/release/image/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY $TARGETPLATFORM/scaffold /usr/local/bin/scaffold
WORKDIR /work
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/scaffold"]
