// SPDX-License-Identifier: MIT
// Checks a file of CloudWatch Embedded Metric Format events, one JSON object per line, as
// logmetrics' emf output writes them:
//   1. each line against the spec's JSON Schema (emf.schema.json) with ajv 8;
//   2. each event through the validators of AWS's reference client (npm aws-embedded-metrics:
//      namespace, dimension sets, every metric value, the timestamp's age);
//   3. what the schema cannot say: every dimension key a string member of the root, every metric
//      name a number member or an array of at most 100 numbers, no key both, at most 100 metrics,
//      the event's size within the cap.
// Usage: node validate.js EVENTS_FILE [--min-events N] [--max-bytes N] [--values N]
//   --values N: the events hold exactly N metric values in all (nothing lost on the way).
// Exits 0 and prints "N events valid", or 1 with the first violation (line number and why).
'use strict';

const fs = require('fs');
const path = require('path');
const Ajv = require('ajv');
const validator = require('aws-embedded-metrics/lib/utils/Validator');

function fail(message) {
  console.error(`validate.js: ${message}`);
  process.exit(1);
}

const args = process.argv.slice(2);
if (args.length < 1) fail('usage: node validate.js EVENTS_FILE [--min-events N] [--max-bytes N]');
const file = args[0];
let minEvents = 1;
let maxBytes = 256 * 1024 - 26;
let expectedValues = -1;
for (let i = 1; i < args.length; i += 2) {
  if (args[i] === '--min-events') minEvents = Number(args[i + 1]);
  else if (args[i] === '--max-bytes') maxBytes = Number(args[i + 1]);
  else if (args[i] === '--values') expectedValues = Number(args[i + 1]);
  else fail(`unknown option ${args[i]}`);
}

const schema = JSON.parse(fs.readFileSync(path.join(__dirname, 'emf.schema.json'), 'utf8'));
const checkSchema = new Ajv({ allErrors: true, strict: false }).compile(schema);

const text = fs.readFileSync(file, 'utf8');
if (text.length > 0 && !text.endsWith('\n')) fail('the last event does not end with a newline');
const lines = text.split('\n').slice(0, -1);
let total = 0;
lines.forEach((line, index) => {
  const where = `line ${index + 1}`;
  const bytes = Buffer.byteLength(line, 'utf8');
  if (bytes > maxBytes) fail(`${where}: ${bytes} bytes, over the cap of ${maxBytes}`);
  let event;
  try {
    event = JSON.parse(line);
  } catch (e) {
    fail(`${where}: not JSON: ${e.message}`);
  }
  if (!checkSchema(event)) fail(`${where}: schema: ${JSON.stringify(checkSchema.errors)}`);
  const aws = event._aws;
  try {
    validator.validateTimestamp(aws.Timestamp);
  } catch (e) {
    fail(`${where}: ${e.name}: ${e.message}`);
  }
  for (const directive of aws.CloudWatchMetrics) {
    try {
      validator.validateNamespace(directive.Namespace);
    } catch (e) {
      fail(`${where}: ${e.name}: ${e.message}`);
    }
    const dimensionKeys = new Set();
    for (const set of directive.Dimensions) {
      const dimensions = {};
      for (const key of set) {
        if (typeof event[key] !== 'string') fail(`${where}: dimension ${key} is not a string member of the root`);
        dimensions[key] = event[key];
        dimensionKeys.add(key);
      }
      try {
        validator.validateDimensionSet(dimensions);
      } catch (e) {
        fail(`${where}: ${e.name}: ${e.message}`);
      }
    }
    const names = new Set();
    const resolutions = new Map();
    for (const metric of directive.Metrics) {
      const name = metric.Name;
      if (names.has(name)) fail(`${where}: metric ${name} defined twice`);
      names.add(name);
      if (dimensionKeys.has(name)) fail(`${where}: ${name} is both a dimension and a metric`);
      const target = event[name];
      const values = Array.isArray(target) ? target : [target];
      if (values.length === 0 || values.length > 100) fail(`${where}: metric ${name} has ${values.length} values`);
      total += values.length;
      for (const value of values) {
        if (typeof value !== 'number') fail(`${where}: metric ${name} has a value that is not a number`);
        try {
          validator.validateMetric(name, value, metric.Unit, metric.StorageResolution, resolutions);
        } catch (e) {
          fail(`${where}: ${e.name}: ${e.message}`);
        }
      }
      resolutions.set(name, metric.StorageResolution || 60);
    }
  }
});
if (lines.length < minEvents) fail(`${lines.length} events, expected at least ${minEvents}`);
if (expectedValues >= 0 && total !== expectedValues) fail(`${total} metric values, expected ${expectedValues}`);
console.log(`${lines.length} events valid, ${total} metric values`);
