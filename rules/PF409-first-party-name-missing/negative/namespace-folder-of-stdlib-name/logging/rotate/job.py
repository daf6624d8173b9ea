print('rotate')
