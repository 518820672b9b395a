#!/usr/bin/env node
// Kept in git so package managers can link the command before the first build.
import "../dist/bin.js";
