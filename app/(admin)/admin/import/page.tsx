import type { Metadata } from "next";
import Link from "next/link";
import { AuditTable } from "@/components/admin/audit-table";
import { CustomerImport } from "@/components/admin/customer-import";
import { Section } from "@/components/admin/form";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/guard";
import { listAuditLog } from "@/lib/data/audit";
import { IMPORT_COLUMNS, REQUIRED_COLUMNS, type ImportColumn } from "@/lib/validation/customer-import";

export const metadata: Metadata = { title: "Import customers" };

const COLUMN_HELP: Record<ImportColumn, string> = {
  externalId: "Your CRM's id for the customer; a row with an id already in Nudge updates that customer",
  name: "Full name",
  segment: "e.g. SMB, Mid-market, Enterprise",
  ownerEmail: "Email of the active sales rep who owns the customer",
  email: "Customer's email",
  phone: "Phone number",
  company: "Company name",
  birthday: "YYYY-MM-DD",
  renewalDate: "YYYY-MM-DD",
  lifetimeValue: "A number, at most two decimals, e.g. 1250.50",
  doNotContact: "true or false (yes/no, 1/0)",
  marketingOptOut: "true or false (yes/no, 1/0)",
};

export default async function ImportPage() {
  await requirePermission("customers.import");
  const history = await listAuditLog({ entity: "CustomerImport", take: 10 });
  return (
    <div className="space-y-4">
      <PageHeader
        title="Import customers"
        description="Bring customers in from a spreadsheet or a CRM export. Every row is checked like an API call; good rows are written, bad ones listed by line so you can fix and re-import."
      />
      <Section title="Upload a CSV file">
        <CustomerImport />
      </Section>
      <Section title="Columns" description="The first line names the columns, in any order. A column named like a field is matched to it (case, spaces, _ and - do not matter: Owner Email = ownerEmail); any other, such as a CRM's Account Owner Email, you match to its field after choosing the file. Unmatched columns are not read. An empty cell leaves an optional field as it is.">
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" aria-label="Columns of the file">
            <thead className="text-xs text-slate-600">
              <tr>
                <th scope="col" className="py-1 pr-3 font-medium">Column</th>
                <th scope="col" className="py-1 pr-3 font-medium">Needed</th>
                <th scope="col" className="py-1 font-medium">Value</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {IMPORT_COLUMNS.map((c) => (
                <tr key={c}>
                  <td className="py-1 pr-3 font-mono text-xs">{c}</td>
                  <td className="py-1 pr-3 text-xs">{(REQUIRED_COLUMNS as readonly string[]).includes(c) ? "required" : "optional"}</td>
                  <td className="py-1 text-xs text-slate-700">{COLUMN_HELP[c]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="mt-3 text-xs text-slate-600">Example (a value with a comma, a quote or a line break goes in double quotes, a quote inside doubled):</p>
        <pre className="mt-1 overflow-x-auto rounded-md bg-slate-50 p-2 text-xs text-slate-800">
          {`externalId,name,segment,ownerEmail,company,lifetimeValue\nCRM-1001,Ada Lovelace,SMB,rep@nudge.test,"Engines, Ltd",1250.50`}
        </pre>
      </Section>
      <Section
        title="Recent imports"
        actions={
          <Link href="/admin/audit?entity=CustomerImport" className="text-xs text-brand-700 hover:underline">
            All imports
          </Link>
        }
      >
        <AuditTable entries={history.entries} />
      </Section>
    </div>
  );
}
