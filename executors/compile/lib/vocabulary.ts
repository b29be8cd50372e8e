// The words the compiler knows: domain, compliance, stack, feature and entity vocabularies with their evidence weights.
import type { BackendName, ComplianceName, DomainName } from '../../../schemas/common.js';
import type { FeatureName } from '../../../schemas/ir.js';

/** Phrases that point at a domain, each with a weight in (0, 1]. */
export const DOMAIN_TERMS: Record<Exclude<DomainName, 'general'>, Record<string, number>> = {
  fintech: {
    payment: 0.4,
    'payment processing': 0.8,
    fintech: 1,
    bank: 0.6,
    banking: 0.7,
    card: 0.4,
    'credit card': 0.6,
    refund: 0.5,
    chargeback: 0.7,
    ledger: 0.6,
    wallet: 0.5,
    loan: 0.6,
    lending: 0.7,
    transfer: 0.4,
    'money transfer': 0.7,
    payout: 0.6,
    merchant: 0.3,
    fraud: 0.5,
    pci: 0.4,
    invoice: 0.3,
    transaction: 0.4,
    brokerage: 0.7,
    trading: 0.5,
    'credit score': 0.6,
    remittance: 0.7,
    acquirer: 0.7,
    psp: 0.7,
  },
  healthcare: {
    patient: 0.8,
    healthcare: 1,
    'health care': 1,
    hospital: 0.8,
    clinic: 0.8,
    clinical: 0.7,
    medical: 0.7,
    physician: 0.7,
    doctor: 0.6,
    nurse: 0.6,
    practitioner: 0.7,
    diagnosis: 0.6,
    prescription: 0.7,
    encounter: 0.5,
    'health record': 0.8,
    ehr: 0.9,
    emr: 0.9,
    hipaa: 0.4,
    phi: 0.6,
    medication: 0.6,
    telehealth: 0.9,
    'lab result': 0.7,
    therapist: 0.6,
    dental: 0.7,
    pharmacy: 0.7,
  },
  ecommerce: {
    ecommerce: 1,
    'e commerce': 1,
    shop: 0.6,
    storefront: 0.8,
    'online store': 0.9,
    cart: 0.7,
    'shopping cart': 0.9,
    checkout: 0.6,
    product: 0.5,
    catalog: 0.5,
    catalogue: 0.5,
    order: 0.3,
    'line item': 0.5,
    'order item': 0.5,
    'order management': 0.6,
    buyer: 0.4,
    'web shop': 0.9,
    webshop: 0.9,
    'online shop': 0.9,
    shipping: 0.4,
    inventory: 0.4,
    coupon: 0.6,
    marketplace: 0.7,
    shopper: 0.7,
    sku: 0.7,
    retail: 0.6,
    wishlist: 0.7,
  },
  saas: {
    saas: 1,
    tenant: 0.6,
    'multi tenant': 0.8,
    subscription: 0.5,
    workspace: 0.5,
    'billing plan': 0.6,
    crm: 0.9,
    'sales pipeline': 0.8,
    lead: 0.4,
    deal: 0.4,
    contact: 0.4,
    ticket: 0.4,
    helpdesk: 0.8,
    'project management': 0.8,
  },
  logistics: {
    logistics: 1,
    shipment: 0.8,
    warehouse: 0.7,
    freight: 0.9,
    delivery: 0.5,
    driver: 0.4,
    fleet: 0.7,
    parcel: 0.7,
    courier: 0.7,
    tracking: 0.3,
    route: 0.4,
    'supply chain': 0.9,
  },
  education: {
    education: 1,
    student: 0.7,
    course: 0.6,
    teacher: 0.7,
    school: 0.7,
    university: 0.7,
    enrollment: 0.6,
    lesson: 0.6,
    classroom: 0.7,
    grade: 0.4,
    curriculum: 0.8,
    'learning management': 0.9,
    lms: 0.9,
    instructor: 0.6,
  },
  social: {
    'social network': 1,
    'social media': 0.9,
    post: 0.4,
    follower: 0.8,
    like: 0.2,
    feed: 0.5,
    friend: 0.6,
    comment: 0.3,
    community: 0.4,
    forum: 0.7,
  },
  iot: {
    iot: 1,
    device: 0.6,
    sensor: 0.8,
    telemetry: 0.8,
    firmware: 0.8,
    'smart home': 0.9,
    thermostat: 0.8,
    mqtt: 0.9,
  },
  hr: {
    'human resources': 1,
    hr: 0.8,
    employee: 0.7,
    payroll: 0.8,
    recruiting: 0.8,
    recruitment: 0.8,
    candidate: 0.6,
    'job posting': 0.8,
    onboarding: 0.4,
    'leave request': 0.8,
    timesheet: 0.8,
    department: 0.4,
    hiring: 0.7,
  },
  'real-estate': {
    'real estate': 1,
    property: 0.6,
    listing: 0.5,
    landlord: 0.8,
    tenant: 0.3,
    lease: 0.7,
    rental: 0.6,
    realtor: 0.9,
    mortgage: 0.5,
    apartment: 0.6,
  },
  media: {
    media: 0.4,
    video: 0.6,
    streaming: 0.7,
    podcast: 0.8,
    episode: 0.7,
    article: 0.5,
    playlist: 0.8,
    publisher: 0.6,
    newsroom: 0.8,
    blog: 0.6,
    magazine: 0.7,
  },
  travel: {
    travel: 1,
    booking: 0.5,
    reservation: 0.5,
    hotel: 0.8,
    flight: 0.8,
    itinerary: 0.8,
    trip: 0.6,
    airline: 0.8,
    guest: 0.3,
    'travel agency': 1,
    tour: 0.5,
  },
};

/** Phrases naming a compliance regime; the weight is how sure the phrase alone makes us. */
export const COMPLIANCE_TERMS: Record<ComplianceName, Record<string, number>> = {
  'pci-dss': {
    pci: 0.95,
    'pci dss': 1,
    'payment card industry': 1,
    cardholder: 0.6,
    'cardholder data': 0.7,
    'card number': 0.5,
    pan: 0.4,
  },
  hipaa: {
    hipaa: 1,
    hippa: 0.9,
    phi: 0.7,
    'protected health information': 0.9,
    'health insurance portability': 1,
  },
  gdpr: {
    gdpr: 1,
    'general data protection regulation': 1,
    'right to be forgotten': 0.8,
    'data subject': 0.7,
    'eu resident': 0.6,
    'european union': 0.4,
    'eu customer': 0.6,
    'eu user': 0.6,
    'right to erasure': 0.8,
    'data portability': 0.6,
  },
  soc2: { soc2: 1, 'soc 2': 1, 'soc ii': 1, 'service organization control': 0.9 },
};

/** Phrases naming a feature. */
export const FEATURE_TERMS: Record<FeatureName, Record<string, number>> = {
  'fraud-detection': { fraud: 0.8, 'fraud detection': 1, 'fraud check': 0.9, 'anti fraud': 1, 'risk scoring': 0.7 },
  'audit-log': { 'audit log': 1, 'audit trail': 1, auditing: 0.8, auditable: 0.7, 'who changed what': 0.8 },
  search: { search: 0.8, 'full text': 0.7, searchable: 0.8, 'look up': 0.4, filter: 0.4 },
  notifications: {
    notification: 0.9,
    notify: 0.8,
    'email alert': 0.9,
    sms: 0.6,
    reminder: 0.7,
    'push notification': 1,
    alert: 0.5,
  },
  'file-upload': { upload: 0.9, attachment: 0.8, 'file upload': 1, 'document upload': 1, scanned: 0.5 },
  payments: {
    payment: 0.6,
    'payment processing': 0.9,
    checkout: 0.6,
    'accept payment': 0.9,
    billing: 0.5,
    charge: 0.4,
  },
  reporting: { report: 0.7, reporting: 0.9, 'monthly report': 0.9, statement: 0.4 },
  analytics: { analytics: 1, dashboard: 0.7, metric: 0.5, insight: 0.5, kpi: 0.8 },
  webhooks: { webhook: 1, callback: 0.5 },
  'real-time': { 'real time': 0.9, realtime: 0.9, live: 0.4, websocket: 0.9, streaming: 0.5 },
  caching: { cache: 0.9, caching: 1, redis: 0.7 },
  scheduling: { schedule: 0.7, scheduling: 0.9, appointment: 0.5, calendar: 0.7, booking: 0.5, 'time slot': 0.8 },
  'multi-tenancy': { 'multi tenant': 1, multitenant: 1, 'multi tenancy': 1, tenant: 0.6 },
  'rate-limiting': { 'rate limit': 1, 'rate limiting': 1, throttle: 0.8, throttling: 0.8 },
  'data-export': { export: 0.7, 'csv export': 1, 'data portability': 0.8, download: 0.4 },
  i18n: {
    i18n: 1,
    localization: 0.9,
    localisation: 0.9,
    translation: 0.6,
    'multiple language': 0.9,
    multilingual: 0.9,
  },
};

/** The one-word feature terms ("search", "notification"): things a service does, never fields or entities. */
export const FEATURE_WORDS = new Set(
  Object.values(FEATURE_TERMS).flatMap((terms) => Object.keys(terms).filter((term) => !term.includes(' '))),
);

export interface StackTerm {
  phrase: string;
  weight: number;
}
export const BACKEND_TERMS: Record<BackendName, Record<string, number>> = {
  fastapi: { fastapi: 1, python: 0.6, pydantic: 0.6 },
  express: { express: 0.9, 'express js': 1, expressjs: 1, node: 0.5, 'node js': 0.6, nodejs: 0.6, typescript: 0.4 },
  fastify: { fastify: 1 },
  gin: { gin: 0.9, golang: 0.7, go: 0.3 },
  'spring-boot': { 'spring boot': 1, spring: 0.8, java: 0.6, kotlin: 0.5 },
  axum: { axum: 1, rust: 0.7 },
};
export const DATABASE_TERMS: Record<'postgresql' | 'mysql' | 'sqlite' | 'mongodb', Record<string, number>> = {
  postgresql: { postgres: 1, postgresql: 1, psql: 0.8 },
  mysql: { mysql: 1, mariadb: 0.9 },
  sqlite: { sqlite: 1 },
  mongodb: { mongodb: 1, mongo: 0.9, 'document database': 0.6 },
};
export const FRONTEND_TERMS: Record<'react' | 'vue' | 'angular' | 'svelte', Record<string, number>> = {
  react: { react: 0.9, nextjs: 0.9, 'next js': 0.9 },
  vue: { vue: 1, vuejs: 1, nuxt: 0.9 },
  angular: { angular: 1 },
  svelte: { svelte: 1, sveltekit: 1 },
};
export const DEPLOY_TERMS: Record<'kubernetes' | 'docker' | 'serverless', Record<string, number>> = {
  kubernetes: { kubernetes: 1, k8s: 1, helm: 0.8, eks: 0.8, gke: 0.8, aks: 0.8 },
  docker: { docker: 0.8, container: 0.6, 'docker compose': 1 },
  serverless: { serverless: 1, lambda: 0.8, 'cloud function': 0.9 },
};

/** Words that look like nouns in structural patterns but never name an entity. */
export const NON_ENTITY_WORDS = new Set(
  'logistics analytics statistics metrics economics electronics graphics robotics ethics api apis service services system systems data information app application platform backend frontend endpoint endpoints way ways time thing things lot lots kind kinds type types support ability feature features compliance security access level levels number numbers amount amounts detail details field fields rule rules history process processing management need needs requirement requirements way option options it them they we you he she one ones more most other others something everything anything nothing status value values same different new old own multiple many several various each every all any some few zero unlimited exactly least only also'.split(
    ' ',
  ),
);

/**
 * Abstract and software words that READMEs use around a data model but that never name a stored entity: what a
 * system does (capability, workflow), what a repository holds (code, documentation) and how a text is laid out
 * (overview, example, problem, solution).
 */
export const GENERIC_NOUNS = new Set(
  'capability capabilities functionality functionalities operation operations workflow workflows integration integrations architecture implementation repository repositories repo repos codebase code documentation docs readme module modules component components framework interface interfaces dashboard dashboards page pages screen screens view views website site portal portals ui purpose goal goals problem problems solution solutions approach example examples instance instances environment environments overview summary introduction description usage installation setup configuration config brief date dates day days week weeks month months year years hour hours minute minutes experience efficiency workload lifecycle performance health content knowledge identity state permission permissions relationship relationships control controls scope mvp crud rest json http https jwt token tokens login logout signup sign password passwords authentication authorization role-based stakeholder stakeholders business-logic logic payload payloads metadata timeline progress behavior behaviour profile profiles admin admins administrator administrators superadmin test tests dependency dependencies log logs error errors change changes duplicate duplicates bug bugs'.split(
    ' ',
  ),
);

/** Heads that mean "the data of" the noun before them: "employee records", "guest profiles", "book details". */
export const DATA_OF_HEADS = new Set([
  'record',
  'records',
  'detail',
  'details',
  'data',
  'information',
  'info',
  'profile',
  'profiles',
  'management',
  'history',
  'histories',
  // Collections: "car fleet", "tariff structures", "product catalog".
  'fleet',
  'fleets',
  'structure',
  'structures',
  'collection',
  'collections',
  'catalog',
  'catalogue',
]);

/** Determiners and quantifiers skipped before a noun phrase. */
export const DETERMINERS = new Set(
  'a an the their its our his her your my each every all any some many multiple several one zero more optional certain numerous various exactly at least only also two three four'.split(
    ' ',
  ),
);

/** Words that end a list of field names or nouns. */
export const LIST_STOP_WORDS = new Set(
  'is are was were be been can could will would should must may might which that who whom whose to for so in on at by from as if when where while because has have had do does did via using through per into onto than then also plus including include includes etc'.split(
    ' ',
  ),
);
