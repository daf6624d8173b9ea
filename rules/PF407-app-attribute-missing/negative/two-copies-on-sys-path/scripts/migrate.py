print('migrated')
