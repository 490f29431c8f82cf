/**
 * Custom job templates (docs/protocol.md §11): CreateJobTemplate, DescribeJobTemplate,
 * ListJobTemplates, DeleteJobTemplate, and CreateJob's `jobTemplateArn`, whose
 * template supplies the document and the job options that the CreateJob
 * request does not give itself. AWS managed templates (and so
 * `documentParameters`) are not modeled and are refused.
 * @packageDocumentation
 */

import type { SimulatorCore } from './core.js';
import { jobIdOf, optionalText, requestFields } from './control-validation.js';
import { refuseUnmodeled } from './job-config.js';
import { page } from './paging.js';
import { invalidRequest, notFound, SimulatorError } from './simulator-error.js';

/** CreateJobTemplate request. */
export interface CreateJobTemplateRequest {
  /** 1-64 characters of `[a-zA-Z0-9_-]`. */
  jobTemplateId: string;
  /** Required; at most 2028 characters. */
  description: string;
  /** The job document (JSON text); or give `documentSource`, or `jobArn`. */
  document?: string;
  /** An S3 URL in the simulator's object store. */
  documentSource?: string;
  /** Copy the document and options of this existing job. */
  jobArn?: string;
  /** As CreateJob. */
  timeoutConfig?: {
    /** Minutes (1-10080). */
    inProgressTimeoutInMinutes?: number;
  };
  /** As CreateJob. */
  presignedUrlConfig?: unknown;
  /** As CreateJob. */
  abortConfig?: unknown;
  /** As CreateJob. */
  jobExecutionsRetryConfig?: unknown;
  /** Checked, not kept. */
  tags?: unknown;
  /** As CreateJob. */
  jobExecutionsRolloutConfig?: unknown;
  /** Not modeled: InvalidRequestException. */
  maintenanceWindows?: unknown;
  /** Not modeled: InvalidRequestException. */
  destinationPackageVersions?: unknown;
}

/** A stored template: the CreateJob members it supplies. */
interface TemplateRecord {
  readonly jobTemplateId: string;
  readonly jobTemplateArn: string;
  readonly description: string;
  readonly createdAtMs: number;
  /** CreateJob members (document or documentSource, options), as given. */
  readonly members: Readonly<Record<string, unknown>>;
}

/** DescribeJobTemplate response. */
export interface DescribeJobTemplateResponse {
  /** The template's ARN. */
  jobTemplateArn: string;
  /** The template's id. */
  jobTemplateId: string;
  /** The template's description. */
  description: string;
  /** Epoch seconds, fractional. */
  createdAt: number;
  /** The document (JSON text), when the template holds one. */
  document?: string;
  /** The S3 URL, when the template names one. */
  documentSource?: string;
  /** When given. */
  timeoutConfig?: unknown;
  /** When given. */
  presignedUrlConfig?: unknown;
  /** When given. */
  abortConfig?: unknown;
  /** When given. */
  jobExecutionsRetryConfig?: unknown;
  /** When given. */
  jobExecutionsRolloutConfig?: unknown;
}

/** ListJobTemplates response. */
export interface ListJobTemplatesResponse {
  /** This page of templates, oldest first. */
  jobTemplates: Array<{
    /** The template's ARN. */
    jobTemplateArn: string;
    /** The template's id. */
    jobTemplateId: string;
    /** The template's description. */
    description: string;
    /** Epoch seconds, fractional. */
    createdAt: number;
  }>;
  /** Present only when another page exists. */
  nextToken?: string;
}

const SUPPLIED = ['document', 'documentSource', 'timeoutConfig', 'presignedUrlConfig', 'abortConfig', 'jobExecutionsRetryConfig', 'jobExecutionsRolloutConfig'] as const;
const registries = new WeakMap<SimulatorCore, Map<string, TemplateRecord>>();

function registry(core: SimulatorCore): Map<string, TemplateRecord> {
  let templates = registries.get(core);
  if (!templates) {
    templates = new Map();
    registries.set(core, templates);
  }
  return templates;
}

function arnOf(core: SimulatorCore, id: string): string {
  return `arn:aws:iot:${core.store.region}:${core.store.accountId}:jobtemplate/${id}`;
}

/**
 * CreateJobTemplate. The members are checked when a job is created from the
 * template (by CreateJob's rules); `checkJob` checks them now.
 */
export function createJobTemplate(
  core: SimulatorCore,
  request: CreateJobTemplateRequest,
  checkJob: (members: Record<string, unknown>) => void,
): { jobTemplateArn: string; jobTemplateId: string } {
  const fields = requestFields(request);
  const jobTemplateId = jobIdOf(fields.jobTemplateId, 'jobTemplateId');
  refuseUnmodeled(fields, 'CreateJobTemplate');
  for (const member of ['maintenanceWindows'] as const) {
    if (fields[member] !== undefined && fields[member] !== null) throw invalidRequest(`CreateJobTemplate: ${member} is not supported: maintenance windows are not modeled by the simulator.`);
  }
  const description = optionalText(fields.description, 'description', 2028);
  if (description === undefined) throw invalidRequest('description is required.');
  const members: Record<string, unknown> = {};
  if (fields.jobArn !== undefined && fields.jobArn !== null) {
    const prefix = `arn:aws:iot:${core.store.region}:${core.store.accountId}:job/`;
    const job = typeof fields.jobArn === 'string' && fields.jobArn.startsWith(prefix) ? core.store.jobs.get(fields.jobArn.slice(prefix.length)) : undefined;
    if (!job) throw notFound(`Job ${JSON.stringify(fields.jobArn)} cannot be found.`);
    if (job.documentSource !== undefined) members.documentSource = job.documentSource;
    else members.document = job.document;
    if (job.inProgressTimeoutInMinutes !== undefined) members.timeoutConfig = { inProgressTimeoutInMinutes: job.inProgressTimeoutInMinutes };
    for (const member of ['presignedUrlConfig', 'abortConfig', 'jobExecutionsRetryConfig', 'jobExecutionsRolloutConfig'] as const) {
      if (job.config[member] !== undefined) members[member] = structuredClone(job.config[member]);
    }
  }
  for (const member of SUPPLIED) if (fields[member] !== undefined && fields[member] !== null) members[member] = structuredClone(fields[member]);
  if (members.document === undefined && members.documentSource === undefined) throw invalidRequest('One of document, documentSource or jobArn is required.');
  checkJob(members);
  const templates = registry(core);
  if (templates.has(jobTemplateId)) {
    throw new SimulatorError('ResourceAlreadyExistsException', `Job template ${jobTemplateId} already exists.`, { resourceId: jobTemplateId, resourceArn: arnOf(core, jobTemplateId) });
  }
  const record: TemplateRecord = { jobTemplateId, jobTemplateArn: arnOf(core, jobTemplateId), description, createdAtMs: core.clock.now(), members };
  templates.set(jobTemplateId, record);
  return { jobTemplateArn: record.jobTemplateArn, jobTemplateId };
}

function find(core: SimulatorCore, id: unknown): TemplateRecord {
  const jobTemplateId = jobIdOf(id, 'jobTemplateId');
  const record = registry(core).get(jobTemplateId);
  if (!record) throw notFound(`Job template ${jobTemplateId} cannot be found.`);
  return record;
}

/** DescribeJobTemplate. */
export function describeJobTemplate(core: SimulatorCore, request: { jobTemplateId: string }): DescribeJobTemplateResponse {
  const record = find(core, requestFields(request).jobTemplateId);
  return {
    jobTemplateArn: record.jobTemplateArn,
    jobTemplateId: record.jobTemplateId,
    description: record.description,
    createdAt: record.createdAtMs / 1000,
    ...(structuredClone(record.members) as Omit<DescribeJobTemplateResponse, 'jobTemplateArn' | 'jobTemplateId' | 'description' | 'createdAt'>),
  };
}

/** ListJobTemplates, oldest first, paged. */
export function listJobTemplates(core: SimulatorCore, request: { maxResults?: number; nextToken?: string } = {}): ListJobTemplatesResponse {
  const fields = requestFields(request);
  const all = [...registry(core).values()].map((record) => ({
    jobTemplateArn: record.jobTemplateArn,
    jobTemplateId: record.jobTemplateId,
    description: record.description,
    createdAt: record.createdAtMs / 1000,
  }));
  const { items, nextToken } = page(all, fields.maxResults, fields.nextToken);
  return nextToken === undefined ? { jobTemplates: items } : { jobTemplates: items, nextToken };
}

/** DeleteJobTemplate. */
export function deleteJobTemplate(core: SimulatorCore, request: { jobTemplateId: string }): Record<string, never> {
  const record = find(core, requestFields(request).jobTemplateId);
  registry(core).delete(record.jobTemplateId);
  return {};
}

/**
 * CreateJob's members with those of its `jobTemplateArn` filled in where the
 * request gives none; the fields unchanged without a template.
 * @throws {@link SimulatorError} ResourceNotFoundException for an unknown template, InvalidRequestException for an AWS managed one.
 */
export function withTemplate(core: SimulatorCore, fields: Record<string, unknown>): Record<string, unknown> {
  const arn = fields.jobTemplateArn;
  if (arn === undefined || arn === null) return fields;
  if (typeof arn !== 'string') throw invalidRequest('jobTemplateArn must be a job template ARN.');
  if (/^arn:aws[a-z-]*:iot:[^:]*::jobtemplate\//.test(arn)) {
    throw invalidRequest(`jobTemplateArn: AWS managed templates are not supported: they are not modeled by the simulator (${arn}).`);
  }
  const prefix = `arn:aws:iot:${core.store.region}:${core.store.accountId}:jobtemplate/`;
  if (!arn.startsWith(prefix)) throw notFound(`Job template ${arn} cannot be found in this account and region.`);
  const record = find(core, arn.slice(prefix.length));
  const merged: Record<string, unknown> = { ...fields };
  const givesDocument = (fields.document !== undefined && fields.document !== null) || (fields.documentSource !== undefined && fields.documentSource !== null);
  for (const member of SUPPLIED) {
    if (givesDocument && (member === 'document' || member === 'documentSource')) continue;
    if (merged[member] === undefined || merged[member] === null) merged[member] = structuredClone(record.members[member]);
  }
  return merged;
}
