// A JavaScript monorepo (samples/monorepo): install once (handing node_modules on as an artifact),
// lint, test every package in parallel through a matrix, then build all packages and keep their bundles. The packages have no outside
// dependencies, so it runs offline:
//   scripts/run.sh run samples/pipelines/node-monorepo.pipeline.kts --workspace samples/monorepo --branch main

pipeline("node-monorepo") {
    name = "Node monorepo"
    trigger {
        push("main")
        pullRequest("main", paths = listOf("packages/**", "package-lock.json"))
    }
    env("NODE_OPTIONS", "--max-old-space-size=2048")
    defaults { timeout = 10.minutes }
    concurrency("node-monorepo-\${{ branch }}", cancelInProgress = true)

    stage("install") {
        cache {
            key = "npm-\${{ hashFiles('package-lock.json') }}"
            restoreKeys("npm-")
            path("~/.npm")
        }
        run("node --version")
        run("npm ci --offline --no-audit --no-fund")
        // each job runs in a workspace of its own: the installed modules reach the stages after this one as artifacts
        artifacts { name = "node_modules"; path("node_modules", "packages/*/node_modules"); retention = 1.days }
    }
    stage("lint") {
        needs("install")
        run("npm run lint")
    }
    stage("test") {
        needs("install")
        matrix {
            axis("package", "shared", "api", "web")
            failFast = false
        }
        run("npm test --workspace=packages/\${{ matrix.package }}")
        retry(1)
    }
    stage("build") {
        needs("lint", "test")
        run("npm run build --workspaces")
        run("echo \"version=\$(node -p \"require('./package.json').version\")\" >> \"\$PIPELINE_OUTPUT\"")
        outputs("version")
        artifacts { name = "bundles"; path("packages/*/dist/**"); retention = 14.days }
    }
    stage("publish") {
        needs("build")
        condition = "branch == 'main'"
        run("echo \"would publish @acme/* \${{ stages.build.outputs.version }}\"")
    }
}
