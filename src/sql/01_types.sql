-- Enumerated types of the data model. Unknown values are rejected by the type
-- itself ("invalid input value for enum crm.ticket_priority: ...").

CREATE TYPE crm.customer_kind AS ENUM ('business', 'person');
COMMENT ON TYPE crm.customer_kind IS 'B2B account (business) or B2C customer (person)';

CREATE TYPE crm.tier AS ENUM ('A', 'B', 'C');
COMMENT ON TYPE crm.tier IS 'Value tier: A highest, C standard';

CREATE TYPE crm.lifecycle_stage AS ENUM ('prospect', 'onboarding', 'growth', 'mature', 'at_risk', 'churned');
COMMENT ON TYPE crm.lifecycle_stage IS 'Customer lifecycle stage';

CREATE TYPE crm.contract_status AS ENUM ('draft', 'active', 'expired', 'cancelled', 'renewed');
COMMENT ON TYPE crm.contract_status IS 'Contract status: draft (not signed), active, expired (ended without renewal), cancelled (terminated early), renewed (superseded by its renewal)';

CREATE TYPE crm.purchase_kind AS ENUM ('sale', 'refund');
COMMENT ON TYPE crm.purchase_kind IS 'sale: amount >= 0; refund: amount < 0 (money returned). Refunds never count as purchase events';

CREATE TYPE crm.channel AS ENUM ('web', 'mobile', 'email', 'phone', 'video', 'chat', 'social', 'store', 'visit', 'partner', 'other');
COMMENT ON TYPE crm.channel IS 'Channel of a purchase, interaction or task';

CREATE TYPE crm.interaction_kind AS ENUM ('login', 'feature_use', 'visit', 'email', 'call', 'video', 'chat', 'social', 'store');
COMMENT ON TYPE crm.interaction_kind IS 'Touch point or usage event: login and feature_use are product usage; the rest are conversations or visits';

CREATE TYPE crm.note_kind AS ENUM ('need', 'pain_point', 'general');
COMMENT ON TYPE crm.note_kind IS 'What an interaction note records: a customer need, a pain point, or anything else';

CREATE TYPE crm.direction AS ENUM ('inbound', 'outbound');
COMMENT ON TYPE crm.direction IS 'inbound: customer to us; outbound: us to customer';

CREATE TYPE crm.ticket_category AS ENUM ('product', 'service', 'process');
COMMENT ON TYPE crm.ticket_category IS 'Ticket category: product defect/question, service quality, or business process';

CREATE TYPE crm.ticket_priority AS ENUM ('urgent', 'important', 'general');
COMMENT ON TYPE crm.ticket_priority IS 'Ticket priority: urgent (answer within 24 h), important, general (resolve within 3-5 working days)';

CREATE TYPE crm.pipeline_stage AS ENUM ('lead', 'qualified', 'demo', 'proposal', 'negotiation', 'won', 'lost');
COMMENT ON TYPE crm.pipeline_stage IS 'Sales pipeline stage of an opportunity; won and lost are closed';

CREATE TYPE crm.task_status AS ENUM ('open', 'done', 'cancelled');
COMMENT ON TYPE crm.task_status IS 'Follow-up task status';

CREATE TYPE crm.alert_level AS ENUM ('critical', 'high', 'medium');
COMMENT ON TYPE crm.alert_level IS 'Alert severity, most severe first';

CREATE TYPE crm.alert_status AS ENUM ('open', 'acknowledged', 'resolved');
COMMENT ON TYPE crm.alert_status IS 'Alert lifecycle: open -> acknowledged -> resolved';
