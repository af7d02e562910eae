import { useState } from 'react';
import { TENANT } from './apollo';
import { BookingPage } from './BookingPage';
import { CataloguePage } from './CataloguePage';
import { CustomerProfile } from './CustomerProfile';
import { CustomersPage } from './CustomersPage';

type View = { page: 'customers' } | { page: 'customer'; id: string } | { page: 'catalogue' } | { page: 'book' };

const TABS = [
  ['customers', 'Customers'],
  ['catalogue', 'Catalogue'],
  ['book', 'Book a table'],
] as const;

export function App() {
  const [view, setView] = useState<View>({ page: 'customers' });
  return (
    <main>
      <header>
        <h1>Reservations</h1>
        <span className="tenant">tenant: {TENANT}</span>
        <nav>
          {TABS.map(([page, label]) => (
            <button key={page} aria-current={view.page === page} onClick={() => setView({ page })}>
              {label}
            </button>
          ))}
        </nav>
      </header>
      {view.page === 'customers' && <CustomersPage onOpen={(id) => setView({ page: 'customer', id })} />}
      {view.page === 'customer' && <CustomerProfile id={view.id} onBack={() => setView({ page: 'customers' })} />}
      {view.page === 'catalogue' && <CataloguePage />}
      {view.page === 'book' && <BookingPage />}
    </main>
  );
}
