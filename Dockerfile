# iommu-twin: one image for both services (host-iommu and vmm), selected by the command.
#
#   docker build -t iommu-twin:local .    # online: an official Node LTS image, npm ci
#   bash scripts/docker-base.sh           # offline: base images made with docker import, then iommu-twin:local
#   docker run --rm -p 127.0.0.1:50051:50051 -v "$PWD/compose/tokens.yaml:/etc/iommu-twin/tokens.yaml:ro" \
#       iommu-twin:local host --listen 0.0.0.0:50051 --tokens /etc/iommu-twin/tokens.yaml
#
# Written for the classic builder (Docker 20.10 without BuildKit/buildx): no --mount, no heredocs.

# The runtime base. Any image with `node` (>= 20.19) on PATH and a `node` user (uid 1000) works.
ARG BASE_IMAGE=node:20-bookworm-slim
# The build stage's image: needs node and npm (the official images have both).
ARG BUILD_IMAGE=${BASE_IMAGE}

# ---------------------------------------------------------------------------- build
FROM ${BUILD_IMAGE} AS build
LABEL org.iommutwin.image=build
WORKDIR /app
COPY package.json package-lock.json ./
# Installs the dependencies (dev ones included: the build needs typescript). The offline build
# (scripts/docker-base.sh) sends node_modules with the context and passes INSTALL_CMD=true.
ARG INSTALL_CMD="npm ci --no-audit --no-fund"
RUN sh -c "$INSTALL_CMD"
COPY . .
# Compile, drop dev dependencies, keep only what the services run, and point the package's
# `#libs/*` imports at the compiled dist/libs (the sources are not in the runtime image).
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf dist/test dist/bench dist/vitest.config.js* \
 && find dist -name '*.test.js*' -exec rm -f {} + \
 && node -e 'const fs=require("fs");const p=JSON.parse(fs.readFileSync("package.json"));for(const k of Object.keys(p.imports||{}))p.imports[k]=p.imports[k].replace(/^\.\//,"./dist/");fs.writeFileSync("package.json",JSON.stringify(p,null,2)+"\n")'

# ---------------------------------------------------------------------------- runtime
FROM ${BASE_IMAGE} AS runtime
LABEL org.iommutwin.image=runtime \
      org.opencontainers.image.title="iommu-twin" \
      org.opencontainers.image.description="A digital twin of the Linux host IOMMU stack (iommufd + VFIO) and of a VMM's vIOMMUs, served over gRPC"
ENV NODE_ENV=production \
    IOMMUTWIN_HEALTH_ADDR=127.0.0.1:50051
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/proto ./proto
COPY --from=build /app/profiles ./profiles
COPY --from=build /app/dist ./dist
# The node user of the official images (and of the offline base). Files stay root-owned and
# read-only to it; generated token files go to $TMPDIR/iommu-twin.
USER 1000:1000
# Both services listen on 50051 inside their container (the default command for the host; pass
# `vmm --listen 0.0.0.0:50051 ...` for a vmm). Set IOMMUTWIN_HEALTH_ADDR if you change the port.
EXPOSE 50051
HEALTHCHECK --interval=5s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "dist/services/cli/health.js"]
ENTRYPOINT ["node", "dist/services/cli/main.js"]
CMD ["host", "--listen", "0.0.0.0:50051"]
