// The embed panel: no app chrome, meant for an iframe beside a CRM record.
export default function EmbedLayout({ children }: { children: React.ReactNode }) {
  return <div className="min-h-dvh bg-white p-3">{children}</div>;
}
